Attribute VB_Name = "RibbonSegmenter"
' Ribbon callbacks of the Segmenter add-in (addin/customUI.xml names them).
' Each button runs one function of the Python package through xlwings' RunPython;
' the xlwings module of the add-in works on the active workbook, not on the add-in.
' xlwings' RunPython reads ActiveWorkbook.FullName without a check: with no workbook
' open, or the active file in Protected View, that is VBA error 91 and a Debug button.
' So the buttons that work on a workbook check first and explain; About and Self-test
' need no workbook and run in a temporary blank one instead.
' Every text shown (ribbon labels and tips, message boxes) comes from the generated
' SegmenterText module, in Excel's UI language: English or Chinese.
Option Explicit

Public Sub SegmenterGetLabel(control As IRibbonControl, ByRef returnedVal)
    ' getLabel of every group and button: the text in Excel's UI language (SegmenterText).
    returnedVal = SegmenterText(control.ID & ".label")
End Sub

Public Sub SegmenterGetScreentip(control As IRibbonControl, ByRef returnedVal)
    returnedVal = SegmenterText(control.ID & ".screentip")
End Sub

Public Sub SegmenterGetSupertip(control As IRibbonControl, ByRef returnedVal)
    returnedVal = SegmenterText(control.ID & ".supertip")
End Sub

Public Sub OnSegment(control As IRibbonControl)
    If Not SegmenterWorkbookReady() Then Exit Sub
    RunPython "import segmenter; segmenter.main()"
End Sub

Public Sub OnSegmentOrders(control As IRibbonControl)
    If Not SegmenterWorkbookReady() Then Exit Sub
    RunPython "import segmenter; segmenter.main_orders()"
End Sub

Public Sub OnExportSegments(control As IRibbonControl)
    If Not SegmenterWorkbookReady() Then Exit Sub
    RunPython "import segmenter; segmenter.export_segments()"
End Sub

Public Sub OnOpenSettings(control As IRibbonControl)
    If Not SegmenterWorkbookReady() Then Exit Sub
    RunPython "import segmenter; segmenter.open_settings()"
End Sub

Public Sub OnClearResults(control As IRibbonControl)
    If Not SegmenterWorkbookReady() Then Exit Sub
    RunPython "import segmenter; segmenter.clear_results()"
End Sub

Public Sub OnAbout(control As IRibbonControl)
    Dim blank As Workbook
    Set blank = SegmenterBlankIfNone()
    RunPython "import segmenter; segmenter.about()"
    SegmenterCloseBlank blank
End Sub

Public Sub OnSelfTest(control As IRibbonControl)
    Dim blank As Workbook
    Set blank = SegmenterBlankIfNone()
    RunPython "import segmenter; segmenter.self_test()"
    SegmenterCloseBlank blank
End Sub

Private Function SegmenterInProtectedView() As Boolean
    ' Late bound: ActiveProtectedViewWindow is Windows Excel only; on Mac the answer is False.
    #If Not Mac Then
    Dim app As Object
    On Error Resume Next
    Set app = Application
    SegmenterInProtectedView = Not (app.ActiveProtectedViewWindow Is Nothing)
    #End If
End Function

Private Function SegmenterWorkbookReady() As Boolean
    ' True when there is a workbook to work on; otherwise a message saying what to do.
    If SegmenterInProtectedView() Then
        MsgBox SegmenterText("msg.protectedView"), vbInformation, "Segmenter"
    ElseIf ActiveWorkbook Is Nothing Then
        MsgBox SegmenterText("msg.noWorkbook"), vbInformation, "Segmenter"
    Else
        SegmenterWorkbookReady = True
    End If
End Function

Private Function SegmenterBlankIfNone() As Workbook
    ' About and Self-test write nothing, but RunPython needs an active workbook: lend a blank one.
    If ActiveWorkbook Is Nothing Or SegmenterInProtectedView() Then
        Set SegmenterBlankIfNone = Workbooks.Add
    End If
End Function

Private Sub SegmenterCloseBlank(blank As Workbook)
    ' Windows runs Python synchronously; on Mac it may still be running, so the blank book stays.
    #If Not Mac Then
    If Not blank Is Nothing Then
        On Error Resume Next
        blank.Close SaveChanges:=False
    End If
    #End If
End Sub

Private Sub Auto_Open()
    ' When the workbook opens: the Insert Function help for =SEGMENT and friends.
    RegisterSegmenterFunctions
End Sub
