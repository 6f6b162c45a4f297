select
    subscription_id,
    account_id,
    plan_id,
    status,
    started_at,
    converted_at,
    churned_at,
    mrr
from {{ source('raw', 'subscriptions') }}
