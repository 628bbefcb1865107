-- The references of inputs finished in this batch that come from another version of them: the input changed, so
-- what its old version held is no longer there.
create or replace temp table replaced_sources as
with

finished_inputs as (
    select source_uri as input_uri, content_hash from batch_input_files
),

sources as (
    select source_uri, input_uri, input_hash, article_id from article_sources
),

final as (
    select
        sources.source_uri,
        sources.input_uri,
        sources.input_hash,
        sources.article_id,
    from sources
    inner join finished_inputs using (input_uri)
    where sources.input_hash <> finished_inputs.content_hash
)

select * from final
