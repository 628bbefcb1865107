-- Inputs a run could not load, with the reason.
with

rejected_inputs as (
    select source_uri, reason, detail from rejected_inputs where run_id = $run_id
),

final as (
    select
        source_uri,
        reason,
        detail,
    from rejected_inputs
)

select * from final
order by source_uri
