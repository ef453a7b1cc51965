"""The live Excel side (xlwings): ribbon buttons, the live writer, Settings, the UDF cache."""
