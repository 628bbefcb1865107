-- Remember every input this batch read, loaded or rejected, so the next run can skip it when unchanged.
insert or replace into input_files by name
with

batch as (
    select * from batch_input_files
),

final as (
    select
        source_uri,
        size_bytes,
        modified_at_ns,
        content_hash,
        status,
        $run_id as run_id,
        now() as seen_at,
    from batch
)

select * from final
