-- Every row of the tables migration 009 left without a PRIMARY KEY index is still one per key: the loader inserts
-- only keys a table does not hold, and this catches it if it ever does not. (articles: assert_unique_article_id.)
with

removed_lines as (
    select 'removed_lines' as keyed_table, article_id || ':' || line_no as row_key, count(*) as row_count
    from removed_lines group by all having count(*) > 1
),

related_headlines as (
    select 'related_headlines' as keyed_table, article_id || ':' || headline_no as row_key, count(*) as row_count
    from related_headlines group by all having count(*) > 1
),

entity_mentions as (
    select 'entity_mentions' as keyed_table, article_id || ':' || start_char as row_key, count(*) as row_count
    from entity_mentions group by all having count(*) > 1
),

input_files as (
    select 'input_files' as keyed_table, source_uri as row_key, count(*) as row_count
    from input_files group by all having count(*) > 1
),

article_sources as (
    select 'article_sources' as keyed_table, source_uri || ' @ ' || input_hash as row_key, count(*) as row_count
    from article_sources group by all having count(*) > 1
),

entity_keys as (
    select 'entity_keys' as keyed_table, entity_id as row_key, count(*) as row_count
    from entity_keys group by all having count(*) > 1
),

article_lines as (
    select 'article_lines' as keyed_table, article_id || ':' || line_no as row_key, count(*) as row_count
    from article_lines group by all having count(*) > 1
),

article_repeated_lines as (
    select 'article_repeated_lines' as keyed_table, article_id || ':' || line_no as row_key, count(*) as row_count
    from article_repeated_lines group by all having count(*) > 1
),

final as (
    select * from removed_lines
    union all
    select * from related_headlines
    union all
    select * from entity_mentions
    union all
    select * from input_files
    union all
    select * from article_sources
    union all
    select * from entity_keys
    union all
    select * from article_lines
    union all
    select * from article_repeated_lines
)

select * from final
