-- Rebuild entities and entity_aliases from all mentions: the result depends only on what is loaded,
-- never on the order it arrived in.
delete from entity_aliases;
delete from entities;

insert into entity_aliases by name
with

mentions as (
    select entity_id, surface from entity_mentions
),

final as (
    select
        entity_id,
        surface,
        count(*) as mention_count,
    from mentions
    group by entity_id, surface
)

select * from final;

insert into entities by name
with

mentions as (
    select
        entity_mentions.entity_id,
        entity_mentions.article_id,
        entity_mentions.entity_type,
        articles.ingested_at,
    from entity_mentions
    inner join articles using (article_id)
),

aliases as (
    select
        entity_id,
        surface,
        mention_count,
        len(string_split(surface, ' ')) as word_count,
        surface = upper(surface) and surface <> lower(surface) as is_all_caps,
        -- spaCy often ends a span inside the brackets that follow a name: "World Health Organization (WHO".
        -- Since version 0.3.2 such spans end before the bracket when loaded (transforms.entities); this ranks
        -- the cut forms of mentions an earlier version loaded.
        length(surface) - length(replace(surface, '(', '')) <> length(surface) - length(replace(surface, ')', ''))
            as is_cut_short,
    from entity_aliases
),

-- The canonical name is a form whose brackets close, then the most complete form (most words), then the most
-- used, then not shouted, then alphabetical so that ties are decided the same way every time. On MasakhaNEWS a
-- span cut short inside brackets named 50 entities, among them the one of 379 mentions of "WHO".
canonical_names as (
    select
        entity_id,
        first(
            surface order by is_cut_short asc, word_count desc, mention_count desc, is_all_caps asc, surface asc
        ) as canonical_name,
    from aliases
    group by entity_id
),

type_votes as (
    select
        entity_id,
        entity_type,
        count(*) as votes,
    from mentions
    group by entity_id, entity_type
),

entity_types as (
    select
        entity_id,
        first(entity_type order by votes desc, entity_type asc) as entity_type,
    from type_votes
    group by entity_id
),

counts as (
    select
        entity_id,
        count(*) as mention_count,
        count(distinct article_id) as article_count,
        min(ingested_at) as first_seen_at,
        max(ingested_at) as last_seen_at,
    from mentions
    group by entity_id
),

final as (
    select
        counts.entity_id,
        canonical_names.canonical_name,
        entity_types.entity_type,
        keys.entity_key,
        counts.mention_count,
        counts.article_count,
        counts.first_seen_at,
        counts.last_seen_at,
    from counts
    inner join canonical_names using (entity_id)
    inner join entity_types using (entity_id)
    inner join entity_keys as keys using (entity_id)
)

select * from final;
