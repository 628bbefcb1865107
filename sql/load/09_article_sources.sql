-- Where every document of the batch was read, duplicates of known content included: an article stays while any
-- input still holds it. One row per (source_uri, input_hash): a document read again from the same input version
-- is already here.
insert into article_sources by name
with

batch as (
    select * from batch_article_sources
),

final as (
    select distinct
        source_uri,
        input_uri,
        input_hash,
        article_id,
        $run_id as run_id,
    from batch
    anti join article_sources using (source_uri, input_hash)
)

select * from final
