"""Community workers (社区工作者): post quotas, workers, yearly assessments, vacancies."""
