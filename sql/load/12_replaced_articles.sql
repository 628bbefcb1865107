-- Keep what a changed input replaced, with its text, before it is deleted.
insert into replaced_articles by name
with

replaced as (
    select article_id, input_uri, input_hash from replaced_article_ids
),

articles_replaced as (
    select
        articles.article_id,
        articles.source_uri,
        articles.title,
        articles.body_clean,
        replaced.input_uri,
        replaced.input_hash,
    from articles
    inner join replaced using (article_id)
),

final as (
    select
        article_id,
        source_uri,
        input_uri,
        input_hash,
        title,
        body_clean,
        $run_id as run_id,
        now() as replaced_at,
    from articles_replaced
)

select * from final
