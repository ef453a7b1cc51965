Attribute VB_Name = "RibbonSegmenter"
' Ribbon callbacks of the Segmenter add-in (addin/customUI.xml names them).
' Each button runs one function of the Python package through xlwings' RunPython;
' the xlwings module of the add-in works on the active workbook, not on the add-in.
Option Explicit

Public Sub OnSegment(control As IRibbonControl)
    RunPython "import segmenter; segmenter.main()"
End Sub

Public Sub OnSegmentOrders(control As IRibbonControl)
    RunPython "import segmenter; segmenter.main_orders()"
End Sub

Public Sub OnExportSegments(control As IRibbonControl)
    RunPython "import segmenter; segmenter.export_segments()"
End Sub

Public Sub OnOpenSettings(control As IRibbonControl)
    RunPython "import segmenter; segmenter.open_settings()"
End Sub

Public Sub OnClearResults(control As IRibbonControl)
    RunPython "import segmenter; segmenter.clear_results()"
End Sub

Public Sub OnAbout(control As IRibbonControl)
    RunPython "import segmenter; segmenter.about()"
End Sub

Public Sub OnSelfTest(control As IRibbonControl)
    RunPython "import segmenter; segmenter.self_test()"
End Sub

Private Sub Auto_Open()
    ' When the workbook opens: the Insert Function help for =SEGMENT and friends.
    RegisterSegmenterFunctions
End Sub
