{{ config(materialized='table') }}

-- One row per account with its current plan and MRR.
select
    a.account_id,
    a.account_name,
    a.region,
    a.segment,
    s.status as subscription_status,
    p.tier as plan_tier,
    coalesce(s.mrr, 0) as mrr
from {{ ref('stg_accounts') }} a
left join {{ ref('stg_subscriptions') }} s on s.account_id = a.account_id
left join {{ source('raw', 'plans') }} p on p.plan_id = s.plan_id
