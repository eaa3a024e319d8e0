"""Users, departments (局 › 部 › 課) and roles."""
