"""What orphans and de facto unsupported children share: one support case per child
and month, whichever the scheme (孤儿、事实无人抚养儿童 never both at once)."""
