insert into rejected_inputs by name
with

batch as (
    select * from batch_rejected_inputs
),

final as (
    select
        source_uri,
        reason,
        detail,
        $run_id as run_id,
        content_hash,
        now() as rejected_at,
    from batch
)

select * from final
