"""The stop list: activity the evidence no longer supports, for decommissioning at its break."""
