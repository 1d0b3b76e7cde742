"""Modal dialogs, one module per screen that opens them."""
