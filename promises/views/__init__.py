"""Views by audience: `public` (anonymous readers), `editor` (logged-in editors), `data` (downloads, feeds)."""
