"""Pure domain code of Spiral: no Streamlit import is allowed below this package."""
