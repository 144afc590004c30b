"""The PySide6 desktop: the only package of jsxclient that imports Qt."""
