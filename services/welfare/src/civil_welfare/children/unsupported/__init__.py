"""De facto unsupported children (事实无人抚养儿童): each parent's situation, the
qualification computed by the rule, and the allowance topping up what the child already
gets. There is no public-notice step (公示): the child's privacy comes first."""
