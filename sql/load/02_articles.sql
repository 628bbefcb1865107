insert into articles by name
with

batch as (
    select * from batch_articles
),

new_only as (
    select batch.*
    from batch
    semi join new_article_ids using (article_id)
),

final as (
    select
        article_id,
        source_uri,
        title,
        dateline,
        agencies,
        byline,
        body_clean,
        language,
        language_score,
        language_guess,
        language_reason,
        language_method,
        script,
        language_shares,
        char_count,
        word_count,
        quality_flags,
        source_encoding,
        ner_method,
        url,
        published_at,
        published_text,
        outlet,
        given_language,
        $run_id as run_id,
        now() as ingested_at,
        $pipeline_version as pipeline_version,
    from new_only
)

select * from final
