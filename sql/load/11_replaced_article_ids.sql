-- Articles only the replaced references held: no other input, and not the new version, still has them.
create or replace temp table replaced_article_ids as
with

replaced as (
    select source_uri, input_uri, input_hash, article_id from replaced_sources
),

-- Other references of the same articles. (Only those: a whole-table anti join would build a hash table of every
-- reference the warehouse holds, every batch.)
remaining as (
    select article_sources.article_id
    from article_sources
    semi join replaced using (article_id)
    anti join replaced using (source_uri, input_hash)
),

orphaned as (
    select replaced.*
    from replaced
    anti join remaining using (article_id)
    semi join articles using (article_id)
),

final as (
    select
        article_id,
        min(input_uri) as input_uri,
        arg_min(input_hash, input_uri) as input_hash,
    from orphaned
    group by article_id
)

select * from final
