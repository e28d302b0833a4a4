// The original dashboard's queries (docs/original-doitcrm.md#dashboard-views: the class view and /api/alerts), translated to the crm
// schema only as far as names require: same shape — all-time, every chat of the parent, ANY(tolist), correlated MAX.

export const ORIGINAL_CLASS_STATS_SQL = `
WITH parent_students AS (
  SELECT e.class_id, st.id AS student_id, st.status, i.original_id AS parent_id, coalesce(i.business_name, i.wecom_nickname) AS parent_name
  FROM crm.enrolments e JOIN crm.students st ON st.id = e.student_id
  JOIN crm.guardianships g ON g.student_id = st.id AND g.is_primary
  JOIN crm.identities i ON i.id = g.identity_id AND i.user_role = 'parent'),
parent_message_stats AS (
  SELECT ps.class_id, ps.parent_id, ps.student_id, ps.status, count(m.msgid) AS total, max(m.msgtime) AS last_message
  FROM parent_students ps
  LEFT JOIN chat.messages m ON m.msgtype = 'text'
    AND ((m.room_id IS NOT NULL AND m.from_id = ps.parent_id) OR (m.room_id IS NULL AND (m.from_id = ps.parent_id OR ps.parent_id = ANY (m.to_ids))))
  GROUP BY ps.class_id, ps.parent_id, ps.student_id, ps.status)
SELECT c.id, c.name, l.name AS level_name, s.name AS section_name,
  count(DISTINCT p.parent_id) AS total_parents,
  count(DISTINCT p.parent_id) FILTER (WHERE p.total > 0) AS active_parents,
  sum(p.total) AS total_messages, max(p.last_message) AS class_last_message_time,
  count(DISTINCT p.parent_id) FILTER (WHERE p.last_message > now() - interval '7 days') AS active_7days,
  count(DISTINCT p.parent_id) FILTER (WHERE p.last_message > now() - interval '30 days') AS active_30days,
  count(DISTINCT p.parent_id) FILTER (WHERE p.last_message IS NULL OR p.last_message <= now() - interval '30 days') AS inactive_30days_count,
  count(DISTINCT p.parent_id) FILTER (WHERE p.status IN ('已退费', '休学')) AS churn_risk_count
FROM crm.classes c JOIN crm.levels l ON l.id = c.level_id JOIN crm.sections s ON s.id = l.section_id
JOIN parent_message_stats p ON p.class_id = c.id
WHERE c.is_active
GROUP BY c.id, c.name, l.name, s.name, s.sort_order, l.sort_order
ORDER BY s.sort_order, l.sort_order, c.name`;

export const ORIGINAL_ALERTS_SQL = `
SELECT * FROM (
  SELECT 'no_contact_30days' AS alert_type, c.id AS class_id, c.name AS class_name, st.name AS student_name, i.original_id AS parent_wecom_id,
    (SELECT max(m.msgtime) FROM chat.messages m WHERE m.from_id = i.original_id OR i.original_id = ANY (m.to_ids)) AS last_contact_time, 3 AS priority
  FROM crm.students st JOIN crm.enrolments e ON e.student_id = st.id JOIN crm.classes c ON c.id = e.class_id AND c.is_active
  JOIN crm.guardianships g ON g.student_id = st.id AND g.is_primary JOIN crm.identities i ON i.id = g.identity_id AND i.user_role = 'parent'
  WHERE st.status = '在读'
    AND ((SELECT max(m.msgtime) FROM chat.messages m WHERE m.from_id = i.original_id) IS NULL
      OR (SELECT max(m.msgtime) FROM chat.messages m WHERE m.from_id = i.original_id) < now() - interval '30 days')
  UNION ALL
  SELECT 'churn_risk', c.id, c.name, st.name, i.original_id, st.updated_at, 1
  FROM crm.students st JOIN crm.enrolments e ON e.student_id = st.id JOIN crm.classes c ON c.id = e.class_id AND c.is_active
  LEFT JOIN crm.guardianships g ON g.student_id = st.id AND g.is_primary LEFT JOIN crm.identities i ON i.id = g.identity_id
  WHERE st.status IN ('已退费', '休学')
) alerts ORDER BY priority, last_contact_time DESC NULLS LAST LIMIT 100`;
