"""Editor support: the inventory schemas as the real yaml-language-server applies them."""
