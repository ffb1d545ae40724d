from datahelpers import fixtures  # noqa: F401  (pytest fixture)
