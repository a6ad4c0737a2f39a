"""Many persons' standing in assistance at once (人员救助状态，批量)."""
