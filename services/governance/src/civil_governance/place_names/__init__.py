"""The place-name register (地名): standard names, pinyin, meaning, approval, renames."""
