"""The pure engine: a grid or DataFrame in, numbers out. No Excel, no files, no words."""
