"""The child-welfare workforce: a child director (儿童主任) per village or community, a
child supervisor (儿童督导员) per township, their training, and where one is missing."""
