-- Languages of the articles a run loaded.
with

run_articles as (
    select language, language_score from articles where run_id = $run_id
),

final as (
    select
        language,
        count(*) as article_count,
        round(min(language_score), 4) as min_language_score,
    from run_articles
    group by language
)

select * from final
order by article_count desc, language
