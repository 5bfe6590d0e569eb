"""The catalog: restaurants and their menus."""
