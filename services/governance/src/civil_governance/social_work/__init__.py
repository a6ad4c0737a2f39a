"""Social-work service projects the bureau buys for communities (社会工作服务项目)."""
