-- Where every document of the batch was read, duplicates of known content included: an article stays while any
-- input still holds it.
insert or ignore into article_sources by name
with

batch as (
    select * from batch_article_sources
),

final as (
    select
        source_uri,
        input_uri,
        input_hash,
        article_id,
        $run_id as run_id,
    from batch
)

select * from final
