/**
 * Character and syllable tables from which every person name is assembled. No name here is taken from
 * a real record: names are random combinations, weighted so the surname mix looks like a Chinese city.
 */

/** [surname, pinyin, relative frequency] — the commonest surnames carry most of the weight, as in reality. */
export const SURNAMES: readonly (readonly [string, string, number])[] = [
  ['王', 'wang', 72], ['李', 'li', 71], ['张', 'zhang', 68], ['刘', 'liu', 53], ['陈', 'chen', 45],
  ['杨', 'yang', 31], ['黄', 'huang', 24], ['赵', 'zhao', 20], ['吴', 'wu', 19], ['周', 'zhou', 19],
  ['徐', 'xu', 14], ['孙', 'sun', 13], ['马', 'ma', 12], ['朱', 'zhu', 11], ['胡', 'hu', 10],
  ['郭', 'guo', 10], ['何', 'he', 9], ['林', 'lin', 9], ['高', 'gao', 9], ['罗', 'luo', 9],
  ['郑', 'zheng', 8], ['梁', 'liang', 7], ['谢', 'xie', 6], ['宋', 'song', 6], ['唐', 'tang', 6],
  ['许', 'xu', 5], ['邓', 'deng', 5], ['韩', 'han', 5], ['冯', 'feng', 5], ['曹', 'cao', 5],
  ['彭', 'peng', 4], ['曾', 'zeng', 4], ['肖', 'xiao', 4], ['田', 'tian', 4], ['董', 'dong', 4],
  ['潘', 'pan', 3], ['袁', 'yuan', 3], ['蔡', 'cai', 3], ['蒋', 'jiang', 3], ['余', 'yu', 3],
  ['于', 'yu', 3], ['杜', 'du', 3], ['叶', 'ye', 3], ['程', 'cheng', 3], ['魏', 'wei', 3],
  ['苏', 'su', 3], ['吕', 'lv', 3], ['丁', 'ding', 3], ['任', 'ren', 3], ['卢', 'lu', 2],
  ['姚', 'yao', 2], ['沈', 'shen', 2], ['钟', 'zhong', 2], ['姜', 'jiang', 2], ['崔', 'cui', 2],
  ['谭', 'tan', 2], ['陆', 'lu', 2], ['范', 'fan', 2], ['汪', 'wang', 2], ['廖', 'liao', 2],
  ['石', 'shi', 2], ['金', 'jin', 2], ['韦', 'wei', 2], ['贾', 'jia', 2], ['夏', 'xia', 2],
  ['付', 'fu', 2], ['方', 'fang', 2], ['邹', 'zou', 2], ['熊', 'xiong', 2], ['白', 'bai', 2],
  ['孟', 'meng', 2], ['秦', 'qin', 2], ['邱', 'qiu', 2], ['侯', 'hou', 2], ['江', 'jiang', 2],
  ['尹', 'yin', 1], ['薛', 'xue', 1], ['闫', 'yan', 1], ['段', 'duan', 1], ['雷', 'lei', 1],
  ['龙', 'long', 1], ['黎', 'li', 1], ['史', 'shi', 1], ['陶', 'tao', 1], ['贺', 'he', 1],
  ['毛', 'mao', 1], ['郝', 'hao', 1], ['顾', 'gu', 1], ['龚', 'gong', 1], ['邵', 'shao', 1],
  ['欧阳', 'ouyang', 0.5], ['司马', 'sima', 0.2], ['诸葛', 'zhuge', 0.1], ['上官', 'shangguan', 0.2],
];

/** Characters popular in names of children born around 2013–2021. */
export const CHILD_NAME_CHARS = [
  '梓', '子', '涵', '浩', '宇', '轩', '欣', '怡', '一', '诺', '若', '汐', '沐', '辰', '佑', '依', '晨', '铭', '睿', '博',
  '思', '雨', '嘉', '俊', '泽', '可', '馨', '萱', '彤', '琪', '瑶', '悦', '妍', '熙', '皓', '然', '奕', '煜', '晗', '昊',
  '天', '宸', '航', '景', '逸', '宁', '安', '乐', '语', '桐', '朵', '米', '果', '甜', '糖', '希', '锦', '昕', '钰', '璟',
  '芮', '潇', '霖', '骁', '楷', '哲', '恩', '禹', '亦', '书', '墨', '言', '星', '月', '阳', '瑞', '祺', '舒', '婉', '清',
  '岚', '屿', '川', '帆', '尧', '舜', '文', '武', '斌', '杰', '凯', '豪', '澄', '澈', '知', '予', '之', '允', '承',
];

/** [character, pinyin] for adult names: staff ids are built from the pinyin, so each character carries it. */
export const FEMALE_NAME_CHARS: readonly (readonly [string, string])[] = [
  ['丽', 'li'], ['芳', 'fang'], ['静', 'jing'], ['敏', 'min'], ['婷', 'ting'], ['娜', 'na'], ['艳', 'yan'], ['燕', 'yan'],
  ['霞', 'xia'], ['英', 'ying'], ['慧', 'hui'], ['琳', 'lin'], ['倩', 'qian'], ['雪', 'xue'], ['晶', 'jing'], ['颖', 'ying'],
  ['佳', 'jia'], ['璐', 'lu'], ['薇', 'wei'], ['蕾', 'lei'], ['悦', 'yue'], ['彤', 'tong'], ['欢', 'huan'], ['瑶', 'yao'],
  ['萍', 'ping'], ['晓', 'xiao'], ['梅', 'mei'], ['丹', 'dan'], ['玲', 'ling'], ['红', 'hong'], ['莉', 'li'], ['琴', 'qin'],
  ['云', 'yun'], ['凤', 'feng'], ['玉', 'yu'], ['岚', 'lan'], ['菲', 'fei'], ['蓉', 'rong'], ['茜', 'qian'], ['月', 'yue'],
  ['春', 'chun'], ['欣', 'xin'], ['婧', 'jing'], ['露', 'lu'], ['媛', 'yuan'], ['晨', 'chen'], ['宁', 'ning'], ['文', 'wen'],
];

export const MALE_NAME_CHARS: readonly (readonly [string, string])[] = [
  ['磊', 'lei'], ['强', 'qiang'], ['杰', 'jie'], ['洋', 'yang'], ['勇', 'yong'], ['军', 'jun'], ['平', 'ping'], ['刚', 'gang'],
  ['华', 'hua'], ['鹏', 'peng'], ['浩', 'hao'], ['涛', 'tao'], ['明', 'ming'], ['超', 'chao'], ['亮', 'liang'], ['波', 'bo'],
  ['辉', 'hui'], ['文', 'wen'], ['斌', 'bin'], ['峰', 'feng'], ['俊', 'jun'], ['伟', 'wei'], ['宇', 'yu'], ['晨', 'chen'],
  ['宁', 'ning'], ['晓', 'xiao'], ['春', 'chun'], ['建', 'jian'], ['国', 'guo'], ['志', 'zhi'], ['海', 'hai'], ['东', 'dong'],
];

/** English given names kids and teachers use in class. */
export const ENGLISH_NAMES = [
  'Tom', 'Lucy', 'Amy', 'Kevin', 'Jack', 'Emma', 'Lily', 'Leo', 'Max', 'Mia', 'Anna', 'Ben', 'Cindy', 'David', 'Ella',
  'Eric', 'Grace', 'Helen', 'Henry', 'Ivy', 'James', 'Jason', 'Jenny', 'Judy', 'Kitty', 'Linda', 'Lisa', 'Lucas', 'Mark',
  'Nancy', 'Nick', 'Olivia', 'Oscar', 'Peter', 'Rose', 'Ryan', 'Sam', 'Sophia', 'Sunny', 'Tony', 'Vicky', 'Wendy',
  'William', 'Zoe', 'Alice', 'Bella', 'Coco', 'Daisy', 'Frank', 'Gary', 'Hannah', 'Jerry', 'Kate', 'Luna', 'Mike',
  'Nina', 'Paul', 'Ricky', 'Sally', 'Tina', 'Vivian', 'Yoyo', 'Andy', 'Bob', 'Chris', 'Dora', 'Evan', 'Fiona',
];

/** Single English words and phrases adults pick as WeChat nicknames. */
export const NICKNAME_WORDS = [
  'Lemon', 'Cherry', 'Sunshine', 'Happy', 'Summer', 'Moon', 'Ocean', 'Freedom', 'Forever', 'Angel', 'Dream', 'Smile',
  'Candy', 'Mango', 'Kiwi', 'Panda', 'Rainbow', 'Lucky', 'Hope', 'Star', 'Echo', 'Jade', 'Shine', 'Maple', 'Aurora',
];

/** Nickname phrases (four-character idioms and moods are a staple of WeChat nicknames). */
export const NICKNAME_PHRASES = [
  '岁月静好', '平安喜乐', '静待花开', '知足常乐', '随遇而安', '简单快乐', '心若向阳', '一路向北', '淡然', '微笑向暖',
  '花开半夏', '浅笑安然', '慢慢来', '追梦人', '向日葵', '小确幸', '风清云淡', '晴天', '人间值得', '好好生活',
];

export const NICKNAME_EMOJI = ['🌸', '🌷', '🍀', '🌈', '☀️', '🌻', '🐱', '🐰', '💕', '⭐', '🍓', '🌙', '🦋', '🍃', '😊'];

/**
 * Nicknames are chosen by the parents themselves and reach every page unfiltered; these exercise
 * escaping (HTML, attribute quoting, CSV) in every service that renders them.
 */
export const HOSTILE_NICKNAMES = [
  '<script>alert(1)</script>', '<b>小红妈</b>', 'Tom & Jerry', '"阿花"妈妈', "O'Neil爸爸", '<img src=x onerror=alert(1)>',
  '小明妈 <3', '=1+1 乐乐妈', '妈妈&爸爸', '</td><td>小李', '{{7*7}}', "'; DROP TABLE students;--",
];

/** Syllables for synthetic place, school and community names. */
export const PLACE_SYLLABLES = [
  '东', '西', '南', '北', '华', '新', '中', '长', '建', '和', '平', '安', '光', '明', '兴', '盛', '阳', '春', '枫', '桂',
  '江', '湖', '山', '林', '金', '银', '锦', '绣', '翠', '苑', '湾', '洲', '岭', '泉', '景', '秀', '丰', '泰', '宏', '博',
];

export const CLASS_MASCOTS = [
  '小熊', '海豚', '熊猫', '考拉', '企鹅', '小鹿', '松鼠', '海狮', '狐狸', '兔子', '长颈鹿', '斑马', '猎豹', '雄鹰', '鲸鱼',
];
