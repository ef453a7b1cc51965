"""Pure layout: a finished result becomes sheet blocks and chart specs that writers apply."""
