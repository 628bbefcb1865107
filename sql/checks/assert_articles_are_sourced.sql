-- Every article is held by the input it is credited to, and every reference points at a loaded article: a changed
-- input can only remove what no input holds any more.
with

articles as (
    select article_id, source_uri from articles
),

sources as (
    select article_id, source_uri from article_sources
),

uncredited as (
    select 'article without its source' as problem, articles.article_id, articles.source_uri
    from articles
    anti join sources using (article_id, source_uri)
),

dangling as (
    select 'source of a missing article' as problem, sources.article_id, sources.source_uri
    from sources
    anti join articles using (article_id)
),

final as (
    select * from uncredited
    union all
    select * from dangling
)

select * from final
