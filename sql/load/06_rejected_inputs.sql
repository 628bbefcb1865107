-- One row per problem with one version of an input: a run that resumes after a crash, or reads an input another
-- run has just rejected, does not record the same rejection again.
insert into rejected_inputs by name
with

batch as (
    select * from batch_rejected_inputs
),

recorded as (
    select source_uri, reason, detail, content_hash from rejected_inputs
),

not_yet_recorded as (
    select batch.*
    from batch
    anti join recorded
        on batch.source_uri = recorded.source_uri
        and batch.reason = recorded.reason
        and batch.detail = recorded.detail
        and batch.content_hash is not distinct from recorded.content_hash
),

final as (
    select
        source_uri,
        reason,
        detail,
        $run_id as run_id,
        content_hash,
        now() as rejected_at,
    from not_yet_recorded
)

select * from final
