Attribute VB_Name = "SegmenterMacros"
' Macros of the standalone demo workbook (segmenter.xlsm): the sheet buttons call these,
' and Alt+F8 lists them. They run without the add-in, through this workbook's own
' xlwings module. Names avoid the worksheet functions' names (SEGMENT...) on purpose.
Option Explicit

Public Sub RunSegment()
    RunPython "import segmenter; segmenter.main()"
End Sub

Public Sub RunSegmentOrders()
    RunPython "import segmenter; segmenter.main_orders()"
End Sub

Public Sub RunExportSegments()
    RunPython "import segmenter; segmenter.export_segments()"
End Sub

Public Sub RunOpenSettings()
    RunPython "import segmenter; segmenter.open_settings()"
End Sub

Public Sub RunClearResults()
    RunPython "import segmenter; segmenter.clear_results()"
End Sub

Public Sub RunAbout()
    RunPython "import segmenter; segmenter.about()"
End Sub

Public Sub RunSelfTest()
    RunPython "import segmenter; segmenter.self_test()"
End Sub

Private Sub Auto_Open()
    ' When the workbook opens: the Insert Function help for =SEGMENT and friends.
    RegisterSegmenterFunctions
End Sub
