create or replace view articles_per_language as
with

articles as (
    select language, language_score, word_count from articles
),

final as (
    select
        language,
        count(*) as article_count,
        round(avg(language_score), 4) as mean_language_score,
        sum(word_count) as word_count,
    from articles
    group by language
)

select * from final
order by article_count desc, language
