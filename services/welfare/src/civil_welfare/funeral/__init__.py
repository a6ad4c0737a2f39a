"""Funeral relief (殡葬救助: fee waivers for dibao and tekun families) and public
cemeteries (公益性公墓)."""
