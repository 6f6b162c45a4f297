select
    event_id,
    account_id,
    user_id,
    event_type,
    occurred_at,
    cast(occurred_at as date) as event_date
from {{ source('raw', 'events') }}
