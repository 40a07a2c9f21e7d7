"""Credit (信用管理): credit files, grades, limits and terms, holds, the credit check."""
