"""The content model: documents, front matter, languages, site configuration and discovery."""
