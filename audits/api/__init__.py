"""The JSON API under /api/v1/. It sits at the top layer because it serves both apps; every view loads
through the same access helpers and `visible_to()` querysets as the pages, and every write goes through
the same service."""
