"""mpp: probabilistic forecasts of Dutch asylum inflow and COA occupancy (Meerjaren Productie Prognose)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mpp")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
