select
    account_id,
    tenant_id,
    name as account_name,
    region,
    segment,
    industry,
    created_at
from {{ source('raw', 'accounts') }}
