{{ config(materialized='table') }}

-- Active accounts and users per day and region.
select
    e.event_date,
    a.region,
    count(distinct e.account_id) as active_accounts,
    count(distinct e.user_id) as active_users,
    count(*) as events
from {{ ref('stg_events') }} e
join {{ ref('stg_accounts') }} a on a.account_id = e.account_id
group by 1, 2
