"""The domain: every read and write of CRM data goes through these modules.

Services take a TenantContext first and keyword-only arguments after it, check
permissions, validate, write in the tenant's scope, audit, and never commit.
"""
