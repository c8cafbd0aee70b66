"""The static site builder: ``build_site(root, out)`` turns a site into HTML in every language."""
