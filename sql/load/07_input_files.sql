-- Remember every input this batch read, loaded or rejected, so the next run can skip it when unchanged. An input
-- read before (it changed since) has its row replaced: one row per source_uri.
merge into input_files
using (
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
) as seen
on seen.source_uri = input_files.source_uri
when matched then update by name
when not matched then insert by name
