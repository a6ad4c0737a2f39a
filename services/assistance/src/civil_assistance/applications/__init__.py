"""Applications for dibao and tekun: investigation, public notice, decision (申请审批)."""
