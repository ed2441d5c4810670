"""The demo partnership: an illustrative West Yorkshire partnership to try the product on."""
