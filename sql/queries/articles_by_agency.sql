-- How many articles credit each agency, by language.
with

articles as (
    select article_id, language, agencies from articles
),

credits as (
    select
        article_id,
        language,
        unnest(agencies) as agency,
    from articles
),

final as (
    select
        agency,
        language,
        count(*) as article_count,
    from credits
    group by agency, language
)

select * from final
order by article_count desc, agency, language
